using System.Net;
using EdgeProxy.Tests.Infrastructure;
using static EdgeProxy.Tests.Deploy.DeployFiles;

namespace EdgeProxy.Tests.Deploy;

/// <summary>The paths the Deployment's probes and the image's health check ask for are what the admin listener serves.</summary>
public sealed class ProbePathTests
{
    [Fact]
    public async Task Every_probe_path_of_the_deployment_and_the_image_answers_200_on_a_ready_proxys_admin_listener()
    {
        var (_, container) = PodAndContainer();
        var healthCheck = Dockerfile.Read(Path.Combine(Container, "Dockerfile")).Single("HEALTHCHECK");
        var paths = new[] { "readinessProbe", "livenessProbe" }
            .Select(probe => container.Mapping(probe)!.Scalar("httpGet", "path")!)
            .Append(new Uri(Dockerfile.ExecForm(healthCheck[(healthCheck.IndexOf("CMD ", StringComparison.Ordinal) + 4)..])[^1]).AbsolutePath)
            .ToList();
        await using var backend = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyUnderTest.StartAsync(TestConfig.SingleCluster(backend.Address));

        foreach (var path in paths)
        {
            using var response = await proxy.Admin.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
        }
    }
}
