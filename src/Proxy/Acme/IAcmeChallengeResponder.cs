namespace EdgeProxy.Acme;

/// <summary>Makes one challenge answerable (an HTTP token, a TLS-ALPN certificate, a TXT record) and takes it back afterwards.</summary>
internal interface IAcmeChallengeResponder
{
    /// <summary>The RFC 8555 challenge type: <c>http-01</c>, <c>tls-alpn-01</c>, <c>dns-01</c>.</summary>
    string Type { get; }

    /// <summary>Publishes the answer for <paramref name="name"/> (a wildcard's base name for <c>*.</c>) and returns once the CA can see it.</summary>
    Task PrepareAsync(string name, string token, string keyAuthorization, CancellationToken cancellationToken);

    /// <summary>Withdraws what <see cref="PrepareAsync"/> published, whatever the outcome.</summary>
    Task CleanupAsync(string name, string token, string keyAuthorization, CancellationToken cancellationToken);
}
