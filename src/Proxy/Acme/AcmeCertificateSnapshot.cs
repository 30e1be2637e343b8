namespace EdgeProxy.Acme;

/// <summary>A certificate's state as <c>/status</c>, <c>/metrics</c> and <c>/readyz</c> read it.</summary>
internal sealed record AcmeCertificateSnapshot(
    string Name,
    IReadOnlyList<string> Names,
    AcmeChallengeType Challenge,
    AcmeKeyType KeyType,
    string State,
    DateTimeOffset? NotBefore,
    DateTimeOffset? NotAfter,
    string? SerialNumber,
    DateTimeOffset NextRenewalAt,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? LastSuccessAt,
    string? LastError,
    int ConsecutiveFailures);
