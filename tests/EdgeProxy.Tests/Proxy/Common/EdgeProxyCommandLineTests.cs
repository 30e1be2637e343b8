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
        Assert.Equal("--config needs a file path", EdgeProxyCommandLine.Parse(["--config"], null).UsageError);
    }

    [Theory]
    [InlineData("--foo", "unknown argument '--foo'")]
    [InlineData("-x", "unknown argument '-x'")]
    [InlineData("serve", "unknown argument 'serve'")]
    [InlineData("EdgeProxy:Tls:Profile=Modern", "unknown argument 'EdgeProxy:Tls:Profile=Modern'")]
    [InlineData("--EdgeProxy:Admin:Url", "--EdgeProxy:Admin:Url needs a value")]
    public void An_argument_it_does_not_know_is_a_usage_error_naming_it(string arg, string expected)
    {
        var command = EdgeProxyCommandLine.Parse(["--config", ExistingFile("a.json"), arg], null);

        Assert.Contains(expected, command.UsageError);
    }

    [Fact]
    public void A_key_and_its_value_in_two_arguments_are_joined_and_never_take_a_switch()
    {
        var command = EdgeProxyCommandLine.Parse(["--config", ExistingFile("a.json"), "--EdgeProxy:Admin:Url", "http://127.0.0.1:9902", "--check"], null);

        Assert.Null(command.UsageError);
        Assert.True(command.CheckOnly);
        Assert.Equal(["--EdgeProxy:Admin:Url=http://127.0.0.1:9902"], command.ConfigurationArguments);
        Assert.Contains("needs a value", EdgeProxyCommandLine.Parse(["--EdgeProxy:Admin:Url", "--check"], null).UsageError);
    }

    [Theory]
    [InlineData("Help", "--help")]
    [InlineData("Help", "-h")]
    [InlineData("Version", "--version")]
    [InlineData("Version", "-v")]
    public void Help_and_version_need_no_configuration_file(string action, string arg)
    {
        var command = EdgeProxyCommandLine.Parse(["--config", _directory.File("missing.json"), arg, "--EdgeProxy:Admin:Url=http://127.0.0.1:9"], null);

        Assert.Equal(action, command.Action.ToString());
        Assert.Null(command.UsageError);
    }

    [Fact]
    public void Keys_generate_takes_a_path_and_nothing_else()
    {
        var command = EdgeProxyCommandLine.Parse(["keys", "generate", "--path", "k"], null);

        Assert.Equal(EdgeProxyAction.KeysGenerate, command.Action);
        Assert.Equal(Path.GetFullPath("k"), command.KeysPath);
        Assert.Contains("needs --path", EdgeProxyCommandLine.Parse(["keys", "generate"], null).UsageError);
        Assert.Contains("unknown keys command 'rotate'", EdgeProxyCommandLine.Parse(["keys", "rotate"], null).UsageError);
        Assert.Contains("unknown argument '--force'", EdgeProxyCommandLine.Parse(["keys", "generate", "--path", "k", "--force"], null).UsageError);
    }
}
