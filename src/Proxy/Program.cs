using EdgeProxy.Common;
using EdgeProxy.DataProtection;
using EdgeProxy.Hosting;
using EdgeProxy.Tls;
using Microsoft.Extensions.Options;

// Table of contents: tune the runtime, parse the command line (help, version, probe and key generation need no
// configuration), apply the TLS policy, build and validate everything (EdgeProxyApplication), then either report
// (--check) or serve.
RuntimeTuning.Apply();
var command = EdgeProxyCommandLine.Parse(args, Environment.GetEnvironmentVariable(EdgeProxyCommandLine.ConfigEnvironmentVariable));
switch (command)
{
    case { UsageError: { } usageError }:
        Console.Error.WriteLine($"error: {usageError} (see --help)");
        return CommandLineUsage.UsageExitCode;
    case { Action: EdgeProxyAction.Help }:
        Console.WriteLine(CommandLineUsage.Help);
        return 0;
    case { Action: EdgeProxyAction.Version }:
        Console.WriteLine(CommandLineUsage.Version());
        return 0;
    case { Action: EdgeProxyAction.Probe, ProbeUrl: { } probeUrl }:
        return await HealthProbe.RunAsync(probeUrl);
    case { Action: EdgeProxyAction.KeysGenerate, KeysPath: { } keysPath }:
        return GenerateKeys(keysPath);
    case { Error: { } fileError }:
        Console.Error.WriteLine($"error: {fileError}");
        return 1;
}

// The file is read once; the TLS policy and the application are built from the same bytes.
var file = ConfigFile.Read(command.ConfigPath);

// Before anything uses cryptography: OpenSSL reads its configuration, and so the TLS policy, only once.
if (!command.CheckOnly && OpenSslTlsPolicy.ApplyBeforeFirstUse(command, file) is { Count: > 0 } tlsErrors)
{
    return Invalid(tlsErrors);
}

EdgeProxyStartup startup;
try
{
    startup = await EdgeProxyApplication.PrepareAsync(command, file);
}
catch (OptionsValidationException ex)
{
    // Options that a service reads while it is built, before start-up validation has reported them.
    return Invalid(ex.Failures.ToList());
}

if (startup.Errors.Count > 0)
{
    return Invalid(startup.Errors);
}

if (command.CheckOnly)
{
    foreach (var warning in startup.Warnings)
    {
        Console.Error.WriteLine($"warning: {warning}");
    }

    Console.WriteLine($"{command.ConfigPath}: configuration is valid ({startup.Summary}).");
    await startup.App!.DisposeAsync();
    return 0;
}

try
{
    await startup.App!.RunAsync();
    return 0;
}
catch (OptionsValidationException ex)
{
    return Invalid(ex.Failures.ToList());
}
catch (IOException ex)
{
    // Typically a listener that cannot bind (address in use, no permission for a port below 1024).
    Console.Error.WriteLine($"error: {ex.Message}");
    return 1;
}

int Invalid(IReadOnlyList<string> errors)
{
    Console.Error.WriteLine($"error: {command.ConfigPath} is not valid:");
    foreach (var error in errors)
    {
        Console.Error.WriteLine($"  - {error}");
    }

    return 1;
}

static int GenerateKeys(string directory)
{
    try
    {
        Console.WriteLine(KeyRingGenerator.Generate(directory, TimeProvider.System));
        return 0;
    }
    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
    {
        Console.Error.WriteLine($"error: cannot write a key to {directory}: {ex.Message}");
        return 1;
    }
}
