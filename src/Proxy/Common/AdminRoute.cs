namespace EdgeProxy.Common;

/// <summary>A path on the admin listener served by a feature (registered with <c>AddAdminRoute</c>).</summary>
internal sealed record AdminRoute(string Path, Func<HttpContext, Task> Handler);
