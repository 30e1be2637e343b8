namespace EdgeProxy.Middleware.Requests;

/// <summary>How a request's path and host are brought to one canonical form before routing (<c>EdgeProxy:Requests</c>).</summary>
public sealed class RequestNormalizationOptions
{
    /// <summary>Repeated slashes become one (nginx's <c>merge_slashes on</c>).</summary>
    public bool MergeSlashes { get; set; } = true;

    /// <summary>What to do with a path segment holding <c>;</c> (Tomcat and Spring strip <c>;…</c> before they route).</summary>
    public PathParameterHandling PathParameters { get; set; } = PathParameterHandling.Reject;

    /// <summary>What to do with <c>%2F</c>, <c>%5C</c> and a raw backslash in the path.</summary>
    public EncodedSlashHandling EncodedSlashes { get; set; } = EncodedSlashHandling.Reject;
}

public enum PathParameterHandling
{
    /// <summary>400: the path means one thing to the routes and another to a Tomcat/Spring backend.</summary>
    Reject,

    /// <summary>Kept as part of the segment (for backends that use matrix parameters; unsafe in front of Tomcat/Spring).</summary>
    Allow,
}

public enum EncodedSlashHandling
{
    /// <summary>400: a backend that decodes it once more sees a path separator the routes never saw.</summary>
    Reject,

    /// <summary>Forwarded still encoded and never decoded for matching (APIs that carry <c>a%2Fb</c> in one segment).</summary>
    Keep,
}
