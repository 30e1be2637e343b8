namespace EdgeProxy.Acme;

/// <summary>A name in an order (type <c>dns</c>).</summary>
internal sealed record AcmeIdentifier(string Type, string Value);
