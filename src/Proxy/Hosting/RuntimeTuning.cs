namespace EdgeProxy.Hosting;

/// <summary>
/// Runtime settings that the comparison bench (loadtests/Bench) showed to help, applied first thing in <c>Program</c>
/// so they hold however the proxy is started. An operator's own environment value wins.
/// </summary>
internal static class RuntimeTuning
{
    /// <summary>
    /// Socket completions run inline on the epoll thread instead of being queued to the thread pool: fewer thread hops
    /// per request (EdgeProxy/nginx went from 0.29x to 0.34x on HTTPS HTTP/1.1 in the bench). Read by the socket
    /// engine when the first socket is created, through the managed environment, so setting it here is enough.
    /// </summary>
    public const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static void Apply()
    {
        if (Environment.GetEnvironmentVariable(InlineCompletions) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletions, "1");
        }
    }
}
