using EdgeProxy.Hosting;

// Table of contents: parse the command line, build and validate everything (EdgeProxyApplication),
// then either report (--check) or serve.
var command = EdgeProxyCommandLine.Parse(args, Environment.GetEnvironmentVariable(EdgeProxyCommandLine.ConfigEnvironmentVariable));
if (command.Error is { } usageError)
{
    Console.Error.WriteLine($"error: {usageError}");
    return 1;
}

var startup = await EdgeProxyApplication.PrepareAsync(command);
if (startup.Errors.Count > 0)
{
    Console.Error.WriteLine($"error: {command.ConfigPath} is not valid:");
    foreach (var error in startup.Errors)
    {
        Console.Error.WriteLine($"  - {error}");
    }

    return 1;
}

if (command.CheckOnly)
{
    Console.WriteLine($"{command.ConfigPath}: configuration is valid ({startup.Summary}).");
    await startup.App!.DisposeAsync();
    return 0;
}

try
{
    await startup.App!.RunAsync();
    return 0;
}
catch (IOException ex)
{
    // Typically a listener that cannot bind (address in use, no permission for a port below 1024).
    Console.Error.WriteLine($"error: {ex.Message}");
    return 1;
}
