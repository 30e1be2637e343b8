using EdgeProxy.Tests.Infrastructure;
using EdgeProxy.Common;

namespace EdgeProxy.Tests.Proxy.Common;

public sealed class EdgeProxyCommandLineTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string ExistingFile(string name)
    {
        var path = _directory.File(name);
        File.WriteAllText(path, "{}");
        return path;
    }

    [Fact]
    public void Own_switches_are_taken_out_and_the_rest_is_configuration()
    {
        var path = ExistingFile("a.json");

        var command = EdgeProxyCommandLine.Parse(["--EdgeProxy:Tls:Profile=Modern", "--check", "--config", path, "--x=1"], configFromEnvironment: null);

        Assert.Null(command.Error);
        Assert.True(command.CheckOnly);
        Assert.Equal(path, command.ConfigPath);
        Assert.Equal(["--EdgeProxy:Tls:Profile=Modern", "--x=1"], command.ConfigurationArguments);
    }

    [Fact]
    public void The_command_line_wins_over_the_environment_variable()
    {
        var fromArgs = ExistingFile("args.json");
        var fromEnv = ExistingFile("env.json");

        Assert.Equal(fromArgs, EdgeProxyCommandLine.Parse([$"--config={fromArgs}"], fromEnv).ConfigPath);
        Assert.Equal(fromEnv, EdgeProxyCommandLine.Parse([], fromEnv).ConfigPath);
    }

    [Fact]
    public void A_missing_file_or_value_is_an_error()
    {
        Assert.Contains("does not exist", EdgeProxyCommandLine.Parse(["--config", _directory.File("missing.json")], null).Error);
        Assert.Equal("--config needs a file path", EdgeProxyCommandLine.Parse(["--config"], null).Error);
    }
}
