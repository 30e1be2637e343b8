namespace EdgeProxy.AccessControl;

/// <summary>Why a request was refused; the metric's <c>reason</c> label.</summary>
internal enum AccessRefusalReason
{
    Ip,
    Credentials,
    BruteForce,
    Rate,
}

/// <summary>Set on the request by <see cref="AccessPolicyHandler"/> when it refuses, for the response that says so.</summary>
internal sealed record AccessRefusal(AccessPolicy Policy, AccessRefusalReason Reason, TimeSpan? RetryAfter = null)
{
    /// <summary>This wrong password is the one that locked the client out (logged once per lockout).</summary>
    public bool LockedOut { get; init; }
}

internal static class AccessRefusalReasons
{
    public static string Label(this AccessRefusalReason reason) => reason switch
    {
        AccessRefusalReason.Ip => "ip",
        AccessRefusalReason.Credentials => "credentials",
        AccessRefusalReason.BruteForce => "brute-force",
        _ => "rate",
    };
}
