namespace EdgeProxy.Acme;

/// <summary>An RFC 7807 problem document, as the CA reports errors (RFC 8555 §6.7).</summary>
internal sealed record AcmeProblem(string? Type, string? Detail, int? Status, AcmeProblem[]? Subproblems);
