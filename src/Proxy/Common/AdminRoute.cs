namespace EdgeProxy.Common;

/// <summary>
/// A path on the admin listener served by a feature (registered with <c>AddAdminRoute</c>). A plain route answers GET
/// and HEAD on its exact path; a <paramref name="Prefix"/> route also gets every path below it and every method, and
/// the admin listener lets a write (any method but GET and HEAD) through only with the admin token
/// (<c>EdgeProxy:Admin:Token</c>; without one, only from loopback).
/// </summary>
internal sealed record AdminRoute(string Path, Func<HttpContext, Task> Handler, bool Prefix = false);
