namespace EdgeProxy.Acme;

/// <summary>A CA's (or DNS API's) refusal: its problem type and detail, and how long it asked us to wait.</summary>
internal sealed class AcmeProblemException(string message, string? problemType = null, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(message, inner)
{
    public const string BadNonce = "urn:ietf:params:acme:error:badNonce";
    public const string RateLimited = "urn:ietf:params:acme:error:rateLimited";
    public const string AccountDoesNotExist = "urn:ietf:params:acme:error:accountDoesNotExist";

    public string? ProblemType { get; } = problemType;

    /// <summary>The server's <c>Retry-After</c>, when it sent one: the next attempt waits at least this long.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>Retrying soon cannot help (a refused token, a bad configuration): back off to the maximum at once.</summary>
    public bool Permanent { get; init; }
}
