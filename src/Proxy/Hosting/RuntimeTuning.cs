using EdgeProxy.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

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

    /// <summary>
    /// With <c>EdgeProxy:Connections:InlineScheduling</c> (on unless set to false), Kestrel continues a connection (TLS,
    /// HTTP, the pipeline) on the thread its socket event arrived on, instead of handing every read to a thread-pool
    /// worker that must first be woken, like nginx's event loops: a new TLS connection with one request costs ~2 context
    /// switches instead of ~9.5 and ~20 % less CPU, an HTTP/1.1 request ~20 % less; HTTP/2 sends are coalesced again
    /// by <see cref="SendCoalescingPipeWriter"/> (docs/performance.md, "Handshake CPU"). "Unsafe" in Kestrel's name: code
    /// that blocks holds up every connection of that thread, so nothing on the request path may block (password hashing
    /// runs on the thread pool). Needs <see cref="InlineCompletions"/>: an operator who turns that off turns this off too.
    /// </summary>
    public static IServiceCollection AddInlineScheduling(this IServiceCollection services)
    {
        // The key, not IOptions<ConnectionsOptions>: Kestrel's transport options are built with the application, before
        // start-up validation reports a bad Connections value by its key (reading Value here would throw it unreported).
        // Unset or malformed (which that validation then reports), the options' own default applies.
        services.AddOptions<SocketTransportOptions>().Configure<IConfiguration>((socket, configuration) =>
            socket.UnsafePreferInlineScheduling = (bool.TryParse(configuration[$"{ConnectionsOptions.SectionName}:{nameof(ConnectionsOptions.InlineScheduling)}"], out var inline)
                    ? inline
                    : new ConnectionsOptions().InlineScheduling)
                && PreferInlineScheduling(Environment.GetEnvironmentVariable(InlineCompletions)));
        return services;
    }

    /// <summary>Allowed unless the operator set <see cref="InlineCompletions"/> to anything but "1" (the socket engine's own reading).</summary>
    internal static bool PreferInlineScheduling(string? inlineCompletions) => inlineCompletions is null or "1";
}
