using System.Diagnostics;
using System.Globalization;

namespace EdgeProxy.Bench;

/// <summary>A server under test, pinned to one CPU, with CPU time and memory read from /proc.</summary>
public sealed class ManagedProcess : IDisposable
{
    private readonly Process _process;
    private bool _disposed;

    private ManagedProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <param name="workingDirectory">The bench gives its temporary folder, so no appsettings.json of the repository is picked up.</param>
    /// <param name="stdoutFile">
    /// Standard output straight into this file (as systemd's <c>StandardOutput=append:</c> does), with no reader
    /// process: what writing the output costs is then charged to the server alone.
    /// </param>
    public static ManagedProcess Start(int cpu, string file, string arguments, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null, string? logPath = null, string? stdoutFile = null)
    {
        // exec all the way down (sh, taskset, the server), so the process id is the server's.
        var start = stdoutFile is null
            ? new ProcessStartInfo("taskset", $"-c {cpu} {file} {arguments}")
            : new ProcessStartInfo("sh", ["-c", $"exec taskset -c {cpu} {file} {arguments} >> '{stdoutFile}'"]);
        start.RedirectStandardOutput = stdoutFile is null;
        start.RedirectStandardError = true;
        start.WorkingDirectory = workingDirectory;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        // Raw copies in 64 KB reads, as journald or a container runtime drains a pipe: parsing the server's output
        // line by line here would cost CPU on the same two cores and be charged to whichever server logs most.
        if (stdoutFile is null)
        {
            _ = Drain(process.StandardOutput.BaseStream, logPath);
        }

        _ = Drain(process.StandardError.BaseStream, logPath is null ? null : logPath + ".err");
        return new ManagedProcess(process);
    }

    private static async Task Drain(Stream output, string? path)
    {
        await using var log = path is null ? Stream.Null : new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0);
        await output.CopyToAsync(log, 64 * 1024);
    }

    /// <summary>User plus kernel CPU time of the process (all its threads) in microseconds.</summary>
    public double CpuMicroseconds()
    {
        var (user, kernel, _) = Counters();
        return user + kernel;
    }

    /// <summary>User and kernel CPU time of the process (all its threads) in microseconds, and its threads' context switches.</summary>
    public (double UserMicroseconds, double KernelMicroseconds, double ContextSwitches) Counters()
    {
        var stat = File.ReadAllText($"/proc/{Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        const double MicrosecondsPerTick = 1_000_000.0 / 100; // USER_HZ is 100 on Linux
        double switches = 0;
        foreach (var task in Directory.EnumerateDirectories($"/proc/{Id}/task"))
        {
            try
            {
                switches += File.ReadLines($"{task}/status")
                    .Where(l => l.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || l.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                    .Sum(l => long.Parse(l.Split(':')[1], CultureInfo.InvariantCulture));
            }
            catch (IOException)
            {
                // The thread ended while being read.
            }
        }

        return (long.Parse(fields[11], CultureInfo.InvariantCulture) * MicrosecondsPerTick, long.Parse(fields[12], CultureInfo.InvariantCulture) * MicrosecondsPerTick, switches);
    }

    public double RssMegabytes()
    {
        var line = File.ReadLines($"/proc/{Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }

    /// <summary>Runs a command to completion and returns its output (for the load generators and setup).</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, string arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
