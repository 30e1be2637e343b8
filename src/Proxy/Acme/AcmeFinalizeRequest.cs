namespace EdgeProxy.Acme;

/// <summary>The finalize payload: the DER CSR, base64url (RFC 8555 §7.4).</summary>
internal sealed record AcmeFinalizeRequest(string Csr);
