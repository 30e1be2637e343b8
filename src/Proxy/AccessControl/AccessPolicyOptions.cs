namespace EdgeProxy.AccessControl;

/// <summary>One entry of <c>EdgeProxy:AccessPolicies:&lt;name&gt;</c>, named by a route's <c>AuthorizationPolicy</c>.</summary>
internal sealed class AccessPolicyOptions
{
    public const string SectionName = "EdgeProxy:AccessPolicies";

    /// <summary>CIDRs whose (restored) client IPs may pass; empty means anyone.</summary>
    public List<string> AllowFrom { get; set; } = [];

    /// <summary>CIDRs always refused (deny wins over allow and over a right password).</summary>
    public List<string> DenyFrom { get; set; } = [];

    public BasicAuthOptions? BasicAuth { get; set; }

    /// <summary><c>All</c>: IP allowed and password right; <c>Any</c>: either one.</summary>
    public AccessSatisfy Satisfy { get; set; } = AccessSatisfy.All;
}

internal sealed class BasicAuthOptions
{
    public string Realm { get; set; } = "Restricted";

    /// <summary>Path of the htpasswd file, relative to the configuration file.</summary>
    public string? HtpasswdFile { get; set; }

    /// <summary>Wrong passwords per client IP and minute before that IP gets 429 on this policy; 0 turns the guard off.</summary>
    public int MaxFailuresPerMinute { get; set; } = 10;

    /// <summary>Whether the backend receives the client's <c>Authorization</c> header.</summary>
    public bool ForwardCredentials { get; set; }
}

internal enum AccessSatisfy
{
    All,
    Any,
}
