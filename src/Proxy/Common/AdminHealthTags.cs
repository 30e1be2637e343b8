namespace EdgeProxy.Common;

/// <summary>Health check tags: <c>/readyz</c> runs the checks tagged <see cref="Ready"/>; <c>/healthz</c> those tagged <see cref="Live"/>.</summary>
internal static class AdminHealthTags
{
    public const string Ready = "ready";
    public const string Live = "live";
}
