using EdgeProxy.Shutdown;
using YamlDotNet.RepresentationModel;
using static EdgeProxy.Tests.Deploy.DeployFiles;

namespace EdgeProxy.Tests.Deploy;

/// <summary>
/// <c>deploy/kubernetes</c> read with a YAML parser and held against the product: the ports and paths the
/// configurations really serve, the drain they really take, and the settings that keep the client IP.
/// </summary>
public sealed class KubernetesManifestTests
{
    [Fact]
    public void Every_manifest_parses_and_every_kustomization_lists_files_that_exist_and_every_manifest_beside_it()
    {
        foreach (var folder in KustomizationFolders)
        {
            var kustomization = ReadYaml(Path.Combine(folder, "kustomization.yaml"))[0];
            var resources = Strings(kustomization, "resources").ToList();
            foreach (var resource in resources)
            {
                var path = Path.GetFullPath(Path.Combine(folder, resource));
                Assert.True(File.Exists(path) || File.Exists(Path.Combine(path, "kustomization.yaml")), $"{folder}: resource {resource} does not exist");
            }

            foreach (var manifest in Directory.EnumerateFiles(folder, "*.yaml").Where(f => Path.GetFileName(f) != "kustomization.yaml"))
            {
                Assert.Contains(Path.GetFileName(manifest), resources);
                Assert.All(ReadYaml(manifest), document =>
                {
                    Assert.False(string.IsNullOrEmpty(document.Scalar("apiVersion")), $"{manifest}: no apiVersion");
                    Assert.False(string.IsNullOrEmpty(document.Scalar("kind")), $"{manifest}: no kind");
                });
            }
        }
    }

    [Fact]
    public void The_container_ports_are_the_listeners_of_every_configuration_the_configmap_carries()
    {
        var (_, container) = PodAndContainer();
        var containerPorts = new SortedSet<int>(container.Items("ports").Select(p => int.Parse(p.Scalar("containerPort")!)));

        var configs = ConfigMapConfigFiles().ToList();
        Assert.NotEmpty(configs);
        foreach (var config in configs)
        {
            Assert.True(ListenerPorts(ReadJson(config)).SetEquals(containerPorts),
                $"{config} listens on {string.Join(", ", ListenerPorts(ReadJson(config)))}; the container declares {string.Join(", ", containerPorts)}");
        }
    }

    [Fact]
    public void The_probes_target_the_admin_listener_of_every_configuration()
    {
        var (_, container) = PodAndContainer();
        foreach (var config in ConfigMapConfigFiles())
        {
            var admin = AdminPort(ReadJson(config));
            foreach (var (probe, path) in new[] { ("readinessProbe", "/readyz"), ("livenessProbe", "/healthz") })
            {
                var httpGet = container.Mapping(probe)?.Mapping("httpGet");
                Assert.True(httpGet is not null, $"{probe} must be an httpGet probe");
                Assert.Equal(path, httpGet.Scalar("path"));
                Assert.Equal(admin, ContainerPort(container, httpGet.Scalar("port")!));
            }
        }
    }

    [Fact]
    public void The_grace_period_outlasts_the_drain_delay_plus_the_shutdown_timeout_of_every_configuration()
    {
        var (pod, _) = PodAndContainer();
        var grace = TimeSpan.FromSeconds(int.Parse(pod.Scalar("terminationGracePeriodSeconds") ?? "30")); // Kubernetes' default
        var defaults = new ShutdownOptions();
        foreach (var config in ConfigMapConfigFiles())
        {
            var shutdown = ReadJson(config)["EdgeProxy"]?["Shutdown"];
            var drain = TimeSpan.Parse((string?)shutdown?["DrainDelay"] ?? defaults.DrainDelay.ToString(), System.Globalization.CultureInfo.InvariantCulture);
            var timeout = TimeSpan.Parse((string?)shutdown?["Timeout"] ?? defaults.Timeout.ToString(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(grace > drain + timeout, $"terminationGracePeriodSeconds {grace.TotalSeconds} must exceed {config}'s DrainDelay {drain} + Timeout {timeout}");
        }
    }

    [Fact]
    public void The_service_keeps_the_client_address_and_exposes_the_public_listeners_only()
    {
        var service = BaseManifest("Service");
        Assert.Equal("LoadBalancer", service.Scalar("spec", "type"));
        Assert.Equal("Local", service.Scalar("spec", "externalTrafficPolicy"));

        var (_, container) = PodAndContainer();
        var admin = AdminPort(ReadJson(ConfigMapConfigFiles().First()));
        var targets = service.Mapping("spec")!.Items("ports").Select(p => ContainerPort(container, p.Scalar("targetPort")!)).ToList();
        Assert.NotEmpty(targets);
        Assert.DoesNotContain(admin, targets);
    }

    [Fact]
    public void The_configmap_is_mounted_as_the_folder_of_the_config_path_so_that_its_updates_arrive()
    {
        var (pod, container) = PodAndContainer();
        var configPath = Strings(container, "args").SkipWhile(a => a != "--config").Skip(1).First();
        var volume = pod.Items("volumes").Single(v => v.Scalar("configMap", "name") == "edgeproxy-config").Scalar("name");
        var mount = container.Items("volumeMounts").Single(m => m.Scalar("name") == volume);

        Assert.Equal(Path.GetDirectoryName(configPath), mount.Scalar("mountPath"));
        Assert.Null(mount.Scalar("subPath")); // a subPath mount never sees a ConfigMap update
        Assert.Contains(ConfigMapConfigFiles(), file => Path.GetFileName(file) == Path.GetFileName(configPath));
    }

    [Fact]
    public void No_image_is_untagged_or_latest()
    {
        var images = new List<string>();
        foreach (var folder in KustomizationFolders)
        {
            images.AddRange(Directory.EnumerateFiles(folder, "*.yaml").SelectMany(ReadYaml).SelectMany(AllImages));
            images.AddRange(ReadYaml(Path.Combine(folder, "kustomization.yaml"))[0].Items("images")
                .Select(i => $"{i.Scalar("newName") ?? i.Scalar("name")}:{i.Scalar("newTag")}"));
        }

        Assert.NotEmpty(images);
        Assert.All(images, image =>
        {
            var tag = image.Contains('@', StringComparison.Ordinal) ? "digest" : image[(image.LastIndexOf('/') + 1)..].Split(':').ElementAtOrDefault(1);
            Assert.False(string.IsNullOrEmpty(tag) || tag == "latest", $"image '{image}' needs a pinned tag");
        });
    }

    [Fact]
    public void The_pod_runs_unprivileged_on_a_read_only_root()
    {
        var (pod, container) = PodAndContainer();
        var security = container.Mapping("securityContext")!;
        Assert.Equal("true", pod.Scalar("securityContext", "runAsNonRoot"));
        Assert.NotEqual("0", pod.Scalar("securityContext", "runAsUser"));
        Assert.Equal("false", security.Scalar("allowPrivilegeEscalation"));
        Assert.Equal("true", security.Scalar("readOnlyRootFilesystem"));
        Assert.Equal(["ALL"], Strings(security.Mapping("capabilities")!, "drop"));
        // NET_BIND_SERVICE only when a listener is below 1024.
        var lowPort = ConfigMapConfigFiles().SelectMany(c => ListenerPorts(ReadJson(c))).Any(p => p < 1024);
        Assert.Equal(lowPort, Strings(security.Mapping("capabilities")!, "add").Contains("NET_BIND_SERVICE"));
        Assert.NotNull(container.Mapping("resources")?.Mapping("requests")?.Scalar("memory"));
        Assert.NotNull(container.Mapping("resources")?.Mapping("limits")?.Scalar("memory"));
    }

    [Fact]
    public void The_network_policy_admits_the_public_ports_from_anywhere_and_the_admin_port_from_monitoring_only()
    {
        var rules = BaseManifest("NetworkPolicy").Mapping("spec")!.Items("ingress").ToList();
        var admin = AdminPort(ReadJson(ConfigMapConfigFiles().First()));
        var publicPorts = ListenerPorts(ReadJson(ConfigMapConfigFiles().First())).Where(p => p != admin);

        foreach (var port in publicPorts)
        {
            Assert.Contains(rules, r => r.Sequence("from") is null && RulePorts(r).Contains(port));
        }

        var adminRules = rules.Where(r => RulePorts(r).Contains(admin)).ToList();
        var adminRule = Assert.Single(adminRules);
        var from = Assert.Single(adminRule.Items("from"));
        Assert.Equal("monitoring", from.Scalar("namespaceSelector", "matchLabels", "kubernetes.io/metadata.name"));
    }

    private static IEnumerable<int> RulePorts(YamlMappingNode rule) => rule.Items("ports").Select(p => int.Parse(p.Scalar("port")!));

    /// <summary>A probe's or Service's port (a number or a container port's name) as the container port number.</summary>
    private static int ContainerPort(YamlMappingNode container, string port) =>
        int.TryParse(port, out var number) ? number : int.Parse(container.Items("ports").Single(p => p.Scalar("name") == port).Scalar("containerPort")!);

    private static IEnumerable<string> AllImages(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.SelectMany(c =>
            c.Key is YamlScalarNode { Value: "image" } && c.Value is YamlScalarNode image ? [image.Value!] : AllImages(c.Value)),
        YamlSequenceNode sequence => sequence.Children.SelectMany(AllImages),
        _ => [],
    };
}
