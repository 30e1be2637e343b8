namespace EdgeProxy.Reliability;

/// <summary>The backend the proxy forwards to, run as its own process (so a scenario can kill it): <c>/</c> answers a
/// short text, <c>/slow?ms=N</c> the same after N milliseconds.</summary>
public static class Backend
{
    public static async Task RunAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapGet("/slow", async (int ms) =>
        {
            await Task.Delay(Math.Clamp(ms, 0, 10_000));
            return "slow backend answer\n";
        });
        app.MapGet("/{**path}", () => "reliability backend answer\n");
        await app.RunAsync();
    }
}
