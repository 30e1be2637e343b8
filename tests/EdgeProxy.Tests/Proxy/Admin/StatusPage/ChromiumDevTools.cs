using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.Admin.StatusPage;

/// <summary>
/// Headless Chromium driven over the DevTools protocol (a WebSocket on loopback): for what a DOM dump cannot do, such
/// as clicking a button with the mouse and answering the page's <c>prompt()</c>. Same flags as <see cref="HeadlessChromium"/>.
/// </summary>
internal sealed partial class ChromiumDevTools : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _reader = Task.CompletedTask;
    private int _nextId;

    private ChromiumDevTools(Process process, TempDirectory profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>The text each <c>prompt()</c> of the page gets (null: the prompt is dismissed).</summary>
    public string? PromptAnswer { get; set; }

    /// <summary>The messages of the prompts the page showed.</summary>
    public ConcurrentQueue<string> Prompts { get; } = new();

    public static async Task<ChromiumDevTools> StartAsync(Uri page)
    {
        var profile = new TempDirectory();
        var start = new ProcessStartInfo(HeadlessChromium.Command) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in (string[])[
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", $"--user-data-dir={profile.Path}",
            "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--window-size=1600,1200", page.ToString()])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        var browser = new ChromiumDevTools(process, profile);
        try
        {
            // "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/…" on stderr names the port.
            var port = await Task.Run(async () =>
            {
                while (await process.StandardError.ReadLineAsync() is { } line)
                {
                    if (DevToolsLine().Match(line) is { Success: true } match)
                    {
                        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                    }
                }

                throw new InvalidOperationException("chromium exited without a DevTools port");
            }).WaitAsync(TimeSpan.FromSeconds(30));
            _ = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEndAsync();

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var targets = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list"))!.AsArray();
            var target = targets.First(t => (string?)t!["type"] == "page")!;
            await browser._socket.ConnectAsync(new Uri((string)target["webSocketDebuggerUrl"]!), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            browser._reader = browser.ReadAsync();
            await browser.SendAsync("Page.enable");
            await browser.SendAsync("Runtime.enable");
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>Evaluates <paramref name="expression"/> in the page and returns its value (JSON).</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (result["exceptionDetails"] is { } exception)
        {
            throw new InvalidOperationException($"{expression}: {exception.ToJsonString()}");
        }

        return result["result"]?["value"]?.DeepClone();
    }

    /// <summary>Whether <paramref name="expression"/> becomes true within <paramref name="deadline"/>.</summary>
    public Task<bool> WaitForAsync(string expression, TimeSpan deadline) =>
        Eventually.HoldsAsync(async () => (await EvaluateAsync(expression))?.GetValueKind() == JsonValueKind.True, deadline);

    /// <summary>A left click with the mouse at the centre of the element <paramref name="selector"/> names, as a person makes it.</summary>
    public async Task ClickAsync(string selector)
    {
        var box = (await EvaluateAsync($$"""
            (function(){var e=document.querySelector({{JsonSerializer.Serialize(selector)}});if(!e)return null;e.scrollIntoView({block:"center",inline:"center"});
            var r=e.getBoundingClientRect();return {x:r.left+r.width/2,y:r.top+r.height/2};})()
            """))?.AsObject() ?? throw new InvalidOperationException($"nothing matches {selector}");
        foreach (var type in (string[])["mouseMoved", "mousePressed", "mouseReleased"])
        {
            await SendAsync("Input.dispatchMouseEvent", new JsonObject
            {
                ["type"] = type, ["x"] = box["x"]!.DeepClone(), ["y"] = box["y"]!.DeepClone(), ["button"] = "left", ["clickCount"] = 1,
            });
        }
    }

    private async Task<JsonObject> SendAsync(string method, JsonObject? parameters = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        var reply = await answer.Task.WaitAsync(TimeSpan.FromSeconds(30));
        if (reply["error"] is { } error)
        {
            throw new InvalidOperationException($"{method}: {error.ToJsonString()}");
        }

        return reply["result"]?.AsObject() ?? new JsonObject();
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[1 << 16];
        var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var received = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                {
                    continue;
                }

                var json = JsonNode.Parse(message.ToArray())!.AsObject();
                message.SetLength(0);
                if (json["id"] is { } id && _pending.TryRemove((int)id, out var answer))
                {
                    answer.TrySetResult(json);
                }
                else if ((string?)json["method"] == "Page.javascriptDialogOpening")
                {
                    Prompts.Enqueue((string?)json["params"]?["message"] ?? "");
                    // Answered from here, without waiting: the page is blocked until the dialog closes.
                    _ = SendAsync("Page.handleJavaScriptDialog", new JsonObject { ["accept"] = PromptAnswer is not null, ["promptText"] = PromptAnswer ?? "" });
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // Closing.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _reader.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            // The process is killed below either way.
        }

        _socket.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
        _profile.Dispose();
        _stop.Dispose();
    }

    [GeneratedRegex(@"DevTools listening on ws://127\.0\.0\.1:(\d+)/")]
    private static partial Regex DevToolsLine();
}
