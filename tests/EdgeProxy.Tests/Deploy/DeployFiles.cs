using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace EdgeProxy.Tests.Deploy;

/// <summary>The repository's <c>deploy/</c> folder as the tests read it: YAML manifests, kustomizations, configurations.</summary>
public static class DeployFiles
{
    public static string Root { get; } = FindRoot();

    public static string Kubernetes => Path.Combine(Root, "deploy", "kubernetes");

    public static string Container => Path.Combine(Root, "deploy", "container");

    /// <summary>Every kustomization folder: the base and each overlay.</summary>
    public static IEnumerable<string> KustomizationFolders =>
        Directory.EnumerateFiles(Kubernetes, "kustomization.yaml", SearchOption.AllDirectories).Select(Path.GetDirectoryName).OfType<string>().Order();

    /// <summary>Every document of a YAML file (a file may hold several, separated by <c>---</c>).</summary>
    public static IReadOnlyList<YamlMappingNode> ReadYaml(string path)
    {
        var stream = new YamlStream();
        using (var reader = File.OpenText(path))
        {
            stream.Load(reader);
        }

        return [.. stream.Documents.Select(d => Assert.IsType<YamlMappingNode>(d.RootNode))];
    }

    /// <summary>The base's manifest of <paramref name="kind"/> (exactly one).</summary>
    public static YamlMappingNode BaseManifest(string kind)
    {
        var folder = Path.Combine(Kubernetes, "base");
        var manifests = Strings(ReadYaml(Path.Combine(folder, "kustomization.yaml"))[0], "resources")
            .SelectMany(resource => ReadYaml(Path.Combine(folder, resource)))
            .Where(m => m.Scalar("kind") == kind)
            .ToList();
        return Assert.Single(manifests);
    }

    /// <summary>The <c>appsettings.json</c> each kustomization puts in the <c>edgeproxy-config</c> ConfigMap.</summary>
    public static IEnumerable<string> ConfigMapConfigFiles() =>
        KustomizationFolders.SelectMany(folder =>
            (ReadYaml(Path.Combine(folder, "kustomization.yaml"))[0].Sequence("configMapGenerator")?.Children ?? [])
                .Cast<YamlMappingNode>()
                .Where(generator => generator.Scalar("name") == "edgeproxy-config")
                .SelectMany(generator => Strings(generator, "files"))
                .Select(file => Path.Combine(folder, file.Split('=')[^1])));

    /// <summary>Every file the configurations name: the container image's and each ConfigMap's.</summary>
    public static IEnumerable<string> ProductConfigFiles() => ConfigMapConfigFiles().Prepend(Path.Combine(Container, "appsettings.json"));

    public static JsonObject ReadJson(string path) => JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    })!.AsObject();

    /// <summary>The ports a configuration listens on: every <c>Kestrel:Endpoints</c> URL and the admin listener.</summary>
    public static SortedSet<int> ListenerPorts(JsonObject config)
    {
        var urls = config["Kestrel"]!["Endpoints"]!.AsObject().Select(e => (string)e.Value!["Url"]!)
            .Append((string?)config["EdgeProxy"]?["Admin"]?["Url"] ?? "http://127.0.0.1:9901");
        return [.. urls.Select(url => new Uri(url.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)).Port)];
    }

    public static int AdminPort(JsonObject config) => new Uri((string?)config["EdgeProxy"]?["Admin"]?["Url"] ?? "http://127.0.0.1:9901").Port;

    public static string? Scalar(this YamlMappingNode node, params string[] path)
    {
        YamlNode current = node;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var next))
            {
                return null;
            }

            current = next;
        }

        return (current as YamlScalarNode)?.Value;
    }

    public static YamlMappingNode? Mapping(this YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value as YamlMappingNode : null;

    public static YamlSequenceNode? Sequence(this YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value as YamlSequenceNode : null;

    public static IEnumerable<YamlMappingNode> Items(this YamlMappingNode node, string key) =>
        node.Sequence(key)?.Children.Cast<YamlMappingNode>() ?? [];

    public static IEnumerable<string> Strings(YamlMappingNode node, string key) =>
        node.Sequence(key)?.Children.Cast<YamlScalarNode>().Select(s => s.Value!) ?? [];

    /// <summary>The pod template's spec and its only container.</summary>
    public static (YamlMappingNode Pod, YamlMappingNode Container) PodAndContainer()
    {
        var pod = BaseManifest("Deployment").Mapping("spec")!.Mapping("template")!.Mapping("spec")!;
        return (pod, Assert.Single(pod.Items("containers")));
    }

    private static string FindRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "EdgeProxy.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("EdgeProxy.sln not found above the test binaries");
        }

        return root.FullName;
    }
}
