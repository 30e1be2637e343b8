using System.Diagnostics;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.Admin.StatusPage;

/// <summary>
/// Debian's <c>chromium</c>, headless, with a throw-away profile, no sandbox (tests may run as root) and every host name
/// but loopback unresolvable, so a page that reached for another origin would fail to load it and show it in the net log.
/// </summary>
internal static class HeadlessChromium
{
    public const string Command = "chromium";

    /// <summary>The DOM after <paramref name="virtualTimeMs"/> of page time (timers run without waiting for the wall clock).</summary>
    public static Task<string> DumpDomAsync(Uri page, int virtualTimeMs, string? netLogPath = null) =>
        RunAsync(page, virtualTimeMs, ["--dump-dom", .. netLogPath is null ? Array.Empty<string>() : [$"--log-net-log={netLogPath}", "--net-log-capture-mode=Everything"]]);

    public static Task<string> ScreenshotAsync(Uri page, string pngPath, int width, int height, bool dark = false) =>
        RunAsync(page, 1000, [$"--screenshot={pngPath}", $"--window-size={width},{height}", "--hide-scrollbars", .. dark ? new[] { "--force-dark-mode", "--blink-settings=preferredColorScheme=0" } : []]);

    private static async Task<string> RunAsync(Uri page, int virtualTimeMs, string[] arguments)
    {
        using var profile = new TempDirectory();
        var start = new ProcessStartInfo(Command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", $"--user-data-dir={profile.Path}",
            $"--virtual-time-budget={virtualTimeMs}", .. arguments, page.ToString()])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"chromium did not finish: {await stderr}");
        }

        Assert.True(process.ExitCode == 0, $"chromium exited with {process.ExitCode}: {await stderr}");
        return await stdout;
    }
}
