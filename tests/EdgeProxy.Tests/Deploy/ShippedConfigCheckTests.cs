using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using static EdgeProxy.Tests.Deploy.DeployFiles;

namespace EdgeProxy.Tests.Deploy;

/// <summary>
/// The configurations <c>deploy/</c> ships pass the built proxy's <c>--check</c>, with the files they name laid out
/// where the image and the pod put them (under a temporary root): a path that no volume provides fails the check.
/// </summary>
[Trait("Process", "Separate")]
public sealed class ShippedConfigCheckTests : IDisposable
{
    private readonly TempDirectory _root = new();
    private readonly TempDirectory _material = new();
    private TestCertificates.PemFiles? _certificate;

    public void Dispose()
    {
        _root.Dispose();
        _material.Dispose();
    }

    public static TheoryData<string> ConfigMapConfigs => [.. ConfigMapConfigFiles().Select(f => Path.GetRelativePath(Root, f))];

    [Theory]
    [MemberData(nameof(ConfigMapConfigs))]
    public async Task A_configmap_configuration_passes_check_in_the_pods_file_layout(string configFile)
    {
        var (pod, container) = PodAndContainer();
        foreach (var mount in container.Items("volumeMounts"))
        {
            var folder = InRoot(mount.Scalar("mountPath")!);
            Directory.CreateDirectory(folder);
            var volume = pod.Items("volumes").Single(v => v.Scalar("name") == mount.Scalar("name"));
            if (volume.Scalar("secret", "secretName") is { } secretName)
            {
                var keys = SecretKeys(secretName).ToList();
                Assert.True(keys.Count > 0, $"no kustomization makes the Secret {secretName} the pod mounts");
                keys.ForEach(key => WriteSecretFile(Path.Combine(folder, key)));
            }
        }

        var configPath = Strings(container, "args").SkipWhile(a => a != "--config").Skip(1).First();
        await AssertChecksAsync(Path.Combine(Root, configFile), configPath);
    }

    [Fact]
    public async Task The_container_images_configuration_passes_check_in_the_images_file_layout()
    {
        var image = Dockerfile.Read(Path.Combine(Container, "Dockerfile"));
        Directory.CreateDirectory(InRoot(image.Single("VOLUME")));
        await AssertChecksAsync(Path.Combine(Container, "appsettings.json"), image.Single("ENV").Split('=')[1]);
    }

    private async Task AssertChecksAsync(string configFile, string pathInContainer)
    {
        var config = ReadJson(configFile);
        RootAbsolutePaths(config);
        var path = InRoot(pathInContainer);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, config.ToJsonString());

        var result = await ProxyProcess.RunAsync(["--check", "--config", path]);

        Assert.True(result.ExitCode == 0, $"{configFile}: {result.Output}");
        Assert.Contains("configuration is valid", result.StandardOutput);
    }

    private string InRoot(string absolutePath) => _root.Path + absolutePath;

    /// <summary>The configuration's absolute file and folder paths moved under the temporary root (routes left alone).</summary>
    private void RootAbsolutePaths(JsonNode? node)
    {
        if (node is JsonObject map)
        {
            foreach (var (key, value) in map.ToList())
            {
                if (value is JsonValue leaf && leaf.TryGetValue<string>(out var text) && text.StartsWith('/'))
                {
                    map[key] = InRoot(text);
                }
                else if (key != "ReverseProxy")
                {
                    RootAbsolutePaths(value);
                }
            }
        }
        else if (node is JsonArray array)
        {
            foreach (var item in array)
            {
                RootAbsolutePaths(item);
            }
        }
    }

    /// <summary>The file names a kustomization's <c>secretGenerator</c> puts in the Secret (<c>key=path</c> or <c>path</c>).</summary>
    private static IEnumerable<string> SecretKeys(string secretName) =>
        KustomizationFolders.SelectMany(folder => ReadYaml(Path.Combine(folder, "kustomization.yaml"))[0].Items("secretGenerator"))
            .Where(generator => generator.Scalar("name") == secretName)
            .SelectMany(generator => Strings(generator, "files"))
            .Select(file => file.Contains('=', StringComparison.Ordinal) ? file.Split('=')[0] : Path.GetFileName(file));

    /// <summary>Stand-ins for the operator's secrets: a test certificate and key, a real data-protection key.</summary>
    private void WriteSecretFile(string path)
    {
        switch (Path.GetExtension(path))
        {
            case ".crt":
                File.Copy(Certificate().CertificatePath, path);
                break;
            case ".key":
                File.Copy(Certificate().KeyPath, path);
                break;
            case ".xml":
                var ring = Directory.CreateDirectory(Path.Combine(_material.Path, "ring"));
                DataProtectionProvider.Create(ring).CreateProtector("test").Protect("key made");
                File.Copy(ring.EnumerateFiles("key-*.xml").First().FullName, path);
                break;
            default:
                throw new InvalidOperationException($"no stand-in for the secret file {path}");
        }
    }

    private TestCertificates.PemFiles Certificate() => _certificate ??= TestCertificates.WriteRsa(_material.Path, "tls");
}
