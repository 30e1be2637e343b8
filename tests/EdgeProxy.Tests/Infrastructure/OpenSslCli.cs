using System.Diagnostics;
using System.Text.RegularExpressions;

namespace EdgeProxy.Tests.Infrastructure;

/// <summary>The <c>openssl</c> command line as an outside TLS client: the honest check of what the proxy offers.</summary>
public static partial class OpenSslCli
{
    public sealed record Result(int ExitCode, string Output)
    {
        /// <summary>
        /// The negotiated protocol and cipher of the first connection, e.g. ("TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256"),
        /// or null when no handshake completed. Below TLS 1.3 the "New, …, Cipher is" line names the protocol a cipher
        /// was defined in (SSLv3 for AES128-SHA), so the protocol comes from the SSL-Session block then.
        /// </summary>
        public (string Protocol, string Cipher)? Negotiated
        {
            get
            {
                var summary = SummaryPattern().Match(Output);
                if (!summary.Success || summary.Groups[2].Value == "(NONE)")
                {
                    return null;
                }

                var cipher = summary.Groups[2].Value;
                if (summary.Groups[1].Value == "TLSv1.3")
                {
                    return ("TLSv1.3", cipher);
                }

                return SessionProtocolPattern().Match(Output) is { Success: true } session ? (session.Groups[1].Value, cipher) : null;
            }
        }

        public int CountReused(string protocol) => Regex.Matches(Output, $"^Reused, {Regex.Escape(protocol)},", RegexOptions.Multiline).Count;
    }

    /// <summary>
    /// Runs <c>openssl s_client</c> against 127.0.0.1:<paramref name="port"/>. The client runs without the machine's
    /// OpenSSL policy (Debian's forbids TLS 1.0/1.1 on the client too) so it can really offer what the test asks for.
    /// Standard input stays open for <paramref name="holdOpen"/>, so TLS 1.3 session tickets arrive before it quits.
    /// </summary>
    /// <param name="input">Written to the client's standard input once started (e.g. an HTTP request, with <c>-ign_eof</c>).</param>
    public static async Task<Result> ClientAsync(int port, string arguments, TimeSpan? holdOpen = null, string? input = null)
    {
        var start = new ProcessStartInfo("openssl", $"s_client -connect 127.0.0.1:{port} {arguments}")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["OPENSSL_CONF"] = "/dev/null";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
            await process.StandardInput.FlushAsync();
        }

        if (holdOpen is { } delay)
        {
            await Task.Delay(delay);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout + await stderr);
    }

    /// <summary>What <c>openssl s_time</c> printed, with its one mark per connection counted: 'r' resumed, '*' full handshake.</summary>
    public sealed record TimeResult(int ExitCode, string Output)
    {
        public int Resumed => Marks.Count(c => c == 'r');

        public int Full => Marks.Count(c => c == '*');

        // The marks fill the lines between "Now timing…" and the "N connections in …" summary ('t' and '3': old protocols).
        private string Marks => string.Concat(Output.Split('\n').Where(line => line.Length > 0 && line.All(c => c is 'r' or '*' or 't' or '3')));
    }

    /// <summary>
    /// Runs <c>openssl s_time</c> against 127.0.0.1:<paramref name="port"/> (without the machine's OpenSSL policy, as
    /// <see cref="ClientAsync"/>): with <c>-www</c> every connection sends one HTTP/1.0 request and reads the response
    /// until the server closes, the client of issue 32's resumption figures.
    /// </summary>
    public static async Task<TimeResult> TimeAsync(int port, string arguments)
    {
        var start = new ProcessStartInfo("openssl", $"s_time -connect 127.0.0.1:{port} {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["OPENSSL_CONF"] = "/dev/null";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new TimeResult(process.ExitCode, await stdout + "\n" + await stderr);
    }

    [GeneratedRegex(@"^(?:New|Reused), (\S+), Cipher is (\S+)", RegexOptions.Multiline)]
    private static partial Regex SummaryPattern();

    [GeneratedRegex(@"^\s+Protocol\s*:\s*(\S+)", RegexOptions.Multiline)]
    private static partial Regex SessionProtocolPattern();
}
