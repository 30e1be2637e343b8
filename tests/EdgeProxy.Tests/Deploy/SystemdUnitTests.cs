using System.Diagnostics;
using System.Runtime.Versioning;
using EdgeProxy.Tests.Infrastructure;
using static EdgeProxy.Tests.Deploy.DeployFiles;

namespace EdgeProxy.Tests.Deploy;

/// <summary><c>deploy/edgeproxy.service</c> as systemd itself reads it (skipped where systemd is not installed).</summary>
public sealed class SystemdUnitTests
{
    private const string InstalledExecutable = "/opt/edgeproxy/EdgeProxy";

    [RequiresCommandFact("systemd-analyze")]
    [SupportedOSPlatform("linux")] // where systemd-analyze exists
    public async Task The_unit_passes_systemd_analyze_verify_without_a_warning()
    {
        // verify also checks that ExecStart's executable exists: the unit is checked as written, with the installed
        // path pointed at a stand-in executable.
        using var directory = new TempDirectory();
        var executable = directory.File("EdgeProxy");
        await File.WriteAllTextAsync(executable, "#!/bin/sh\n");
        File.SetUnixFileMode(executable, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var unit = await File.ReadAllTextAsync(Path.Combine(Root, "deploy", "edgeproxy.service"));
        Assert.Contains(InstalledExecutable, unit);
        var unitPath = directory.File("edgeproxy.service");
        await File.WriteAllTextAsync(unitPath, unit.Replace(InstalledExecutable, executable, StringComparison.Ordinal));

        var start = new ProcessStartInfo("systemd-analyze") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("verify");
        start.ArgumentList.Add(unitPath);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        // verify exits 0 on an unknown key or an unparsable value and only says so: any line about our unit fails.
        var complaints = (await output + errors).Split('\n').Where(l => l.Contains("edgeproxy.service", StringComparison.Ordinal)).ToList();
        Assert.True(process.ExitCode == 0 && complaints.Count == 0, $"exit {process.ExitCode}: {await output}{errors}");
    }
}
