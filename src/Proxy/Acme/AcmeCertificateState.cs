namespace EdgeProxy.Acme;

/// <summary>One configured certificate's life: what is served, what the last attempt did, when the next one is due.</summary>
internal sealed class AcmeCertificateState(string name, AcmeCertificateOptions options)
{
    public string Name { get; } = name;

    public AcmeCertificateOptions Options { get; } = options;

    public AcmeIssuedCertificate? Served { get; set; }

    /// <summary>An order is under way right now.</summary>
    public bool Ordering { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public DateTimeOffset? LastAttemptAt { get; set; }

    public DateTimeOffset? LastSuccessAt { get; set; }

    public string? LastError { get; set; }

    public int ConsecutiveFailures { get; set; }

    /// <summary>valid (served, in date, last attempt fine), pending (nothing served yet, or ordering), failed (last attempt failed).</summary>
    public string StateName(DateTimeOffset now) =>
        ConsecutiveFailures > 0 ? "failed"
        : Ordering || Served is null ? "pending"
        : Served.NotAfter <= now ? "expired"
        : "valid";
}
