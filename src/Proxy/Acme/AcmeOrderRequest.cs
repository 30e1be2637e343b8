namespace EdgeProxy.Acme;

/// <summary>The newOrder payload.</summary>
internal sealed record AcmeOrderRequest(AcmeIdentifier[] Identifiers);
