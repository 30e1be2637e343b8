using System.Text.RegularExpressions;
using static EdgeProxy.Tests.Deploy.DeployFiles;

namespace EdgeProxy.Tests.Deploy;

/// <summary>
/// <c>deploy/container/Dockerfile</c> held against the configuration it ships: the image cannot be built here (no
/// registry), so what can be checked without building it is checked.
/// </summary>
public sealed partial class ContainerImageTests
{
    private static readonly Dockerfile Image = Dockerfile.Read(Path.Combine(Container, "Dockerfile"));

    private static string ShippedConfigPath => Path.Combine(Container, "appsettings.json");

    [Fact]
    public void The_exposed_ports_are_the_listeners_of_the_shipped_configuration()
    {
        var exposed = new SortedSet<int>(Image.Single("EXPOSE").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse));
        Assert.Equal([8080, 8443, 9901], exposed);
        Assert.True(ListenerPorts(ReadJson(ShippedConfigPath)).SetEquals(exposed));
    }

    [Fact]
    public void The_shipped_configuration_is_where_the_proxy_looks_and_its_data_path_is_the_volume()
    {
        var copy = Image.FinalStage.Single(i => i.Keyword == "COPY" && i.Arguments.StartsWith("deploy/container/appsettings.json ", StringComparison.Ordinal));
        var destination = copy.Arguments.Split(' ')[^1];
        Assert.Equal("/etc/edgeproxy/appsettings.json", destination);
        Assert.Equal($"EDGEPROXY_CONFIG={destination}", Image.Single("ENV"));

        Assert.Equal("/var/lib/edgeproxy", Image.Single("VOLUME"));
        Assert.Equal("/var/lib/edgeproxy", (string?)ReadJson(ShippedConfigPath)["EdgeProxy"]!["DataPath"]);
    }

    [Fact]
    public void The_health_check_needs_no_shell_and_asks_the_admin_listener_for_healthz()
    {
        var healthCheck = Image.Single("HEALTHCHECK");
        var command = Dockerfile.ExecForm(healthCheck[(healthCheck.IndexOf("CMD ", StringComparison.Ordinal) + 4)..]);
        Assert.Equal(Dockerfile.ExecForm(Image.Single("ENTRYPOINT"))[0], command[0]); // the proxy itself, no shell, no curl
        Assert.Equal("--probe", command[1]);
        var url = new Uri(command[2]);
        Assert.Equal("/healthz", url.AbsolutePath);
        Assert.True(url.IsLoopback);
        Assert.Equal(AdminPort(ReadJson(ShippedConfigPath)), url.Port);
    }

    [Fact]
    public void The_image_runs_as_a_non_root_user_from_pinned_bases()
    {
        Assert.Matches("^[1-9][0-9]*$", Image.Single("USER")); // numeric, so Kubernetes' runAsNonRoot can verify it
        var (pod, _) = PodAndContainer();
        Assert.Equal(Image.Single("USER"), pod.Scalar("securityContext", "runAsUser"));

        var bases = Image.All("FROM").Select(f => f.Split(' ')[0]).Where(b => b.Contains('/', StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(bases);
        Assert.All(bases, b => Assert.Matches(PinnedTag(), b));
    }

    [Fact]
    public void The_build_argument_chooses_between_the_native_and_the_regular_build()
    {
        Assert.Equal("BUILD=native", Image.All("ARG").First());
        Assert.Equal("run-${BUILD}", Image.Instructions.Last(i => i.Keyword == "FROM").Arguments);
        var stages = Image.All("FROM").Select(f => f.Split(" AS ")).Where(p => p.Length == 2).ToDictionary(p => p[1], p => p[0]);
        Assert.StartsWith("mcr.microsoft.com/dotnet/runtime-deps:", stages["run-native"], StringComparison.Ordinal);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:", stages["run-regular"], StringComparison.Ordinal);
        Assert.Contains(Image.All("RUN"), run => run.Contains("-p:PublishAot=true", StringComparison.Ordinal));
    }

    [Fact]
    public void The_build_context_leaves_build_output_and_secrets_out()
    {
        var ignored = File.ReadAllLines(Path.Combine(Root, ".dockerignore")).Select(l => l.Trim()).ToList();
        Assert.Contains("**/bin/", ignored);
        Assert.Contains("**/obj/", ignored);
        Assert.Contains(".git/", ignored);
        Assert.Contains("deploy/kubernetes/", ignored); // the overlay's secrets/ folder
    }

    /// <summary>A registry image with a tag that is neither missing nor <c>latest</c>.</summary>
    [GeneratedRegex(@"^[^:@\s]+(:(?!latest$)[\w.-]+|@sha256:[0-9a-f]{64})$")]
    private static partial Regex PinnedTag();
}
