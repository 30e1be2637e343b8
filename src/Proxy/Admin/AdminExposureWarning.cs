using EdgeProxy.Common;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Admin;

/// <summary>Says once at start when the admin listener is reachable from a network (status, metrics, /trust, whoami).</summary>
internal sealed partial class AdminExposureWarning(IOptions<AdminOptions> options, ILogger<AdminExposureWarning> logger) : IHostedService
{
    public static string Text(string url) =>
        $"the admin listener {url} is not on loopback: /status, /metrics and /trust are reachable from the network; only EdgeProxy:Admin:AllowFrom protects them";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.IsLoopbackOnly)
        {
            LogExposed(Text(options.Value.Url));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = EventIds.AdminExposed, EventName = "AdminExposed", Level = LogLevel.Warning, Message = "{Text}.")]
    private partial void LogExposed(string text);
}
