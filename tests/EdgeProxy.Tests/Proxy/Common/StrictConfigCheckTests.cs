using System.Collections;
using System.Reflection;
using System.Text;
using EdgeProxy.Common;
using EdgeProxy.Middleware.ClientIp;
using EdgeProxy.Middleware.Hsts;
using EdgeProxy.Middleware.HttpsRedirect;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Configuration;

namespace EdgeProxy.Tests.Proxy.Common;

/// <summary>The known keys (<see cref="StrictConfigCheck"/>): suggestions, shapes, and that every options property is known.</summary>
public sealed class StrictConfigCheckTests
{
    private static (List<string> Errors, List<string> Warnings) Check(string json, params ConfigSchemaSection[] sections)
    {
        var configuration = new ConfigurationBuilder().Add(new JsonBytesConfigurationSource(Encoding.UTF8.GetBytes(json))).Build();
        return new StrictConfigCheck(sections).Check(configuration, "f.json");
    }

    [Theory]
    [InlineData("RequireTrustedPeeer", "; did you mean 'RequireTrustedPeer'?")]
    [InlineData("requiretrustedpeer2", "; did you mean 'RequireTrustedPeer'?")]
    [InlineData("TrustedNetwork", "; did you mean 'TrustedNetworks'?")]
    [InlineData("Colour", "")]
    public void A_suggestion_is_made_only_for_one_close_known_key(string key, string suggestion) =>
        Assert.Equal(suggestion, StrictConfigCheck.Suggest(key, ["RequireTrustedPeer", "TrustedNetworks", "Header"]));

    [Fact]
    public void Names_are_free_keys_are_not_and_a_warn_only_section_warns()
    {
        var sections = new[]
        {
            new ConfigSchemaSection("A", ConfigSchema.NamedEntries(ConfigSchema.Object(("Size", ConfigSchema.Value), ("Tags", ConfigSchema.ListOf(ConfigSchema.Value))))),
            new ConfigSchemaSection("K", ConfigSchema.Object(("Url", ConfigSchema.Value)).AsWarnOnly()),
        };

        var (errors, warnings) = Check("""{"A": {"any-name": {"Size": 1, "Tags": ["x"], "Sise": 2}}, "K": {"Ur": 1}, "Other": {"x": 1}}""", sections);

        Assert.Equal(["f.json: A:any-name:Sise: unknown key; did you mean 'Size'?"], errors);
        Assert.Equal(["f.json: K:Ur: unknown key; did you mean 'Url'? (ignored)"], warnings);
    }

    [Fact]
    public async Task Every_public_settable_property_of_every_options_class_is_a_known_key()
    {
        await using var proxy = await ProxyUnderTest.StartAsync(TestConfig.SingleCluster("http://127.0.0.1:9/"));
        var root = proxy.Services.GetRequiredService<StrictConfigCheck>().Root;
        var sections = typeof(ConfigSchema).Assembly.GetTypes()
            .Where(t => t.Name.EndsWith("Options", StringComparison.Ordinal) && t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) is not null)
            .Select(t => (Type: t, Path: (string)t.GetField("SectionName")!.GetValue(null)!))
            .Append((typeof(ClientIpOptions), "EdgeProxy:ClientIp"))
            .Append((typeof(HstsOptions), "EdgeProxy:Hsts"))
            .Append((typeof(EdgeProxy.Middleware.Requests.RequestNormalizationOptions), "EdgeProxy:Requests"))
            .Append((typeof(RouteConfig), "ReverseProxy:Routes:r"))
            .Append((typeof(ClusterConfig), "ReverseProxy:Clusters:c"))
            .ToList();
        Assert.True(sections.Count > 15, string.Join(", ", sections));

        var missing = new List<string>();
        foreach (var (type, path) in sections)
        {
            var entryPath = Find(root, path)?.Kind == ConfigSchema.Shape.Named ? path + ":x" : path;
            Collect(root, type, entryPath, missing);
        }

        Assert.Empty(missing);

        // The redirect's keys are flat under EdgeProxy, named by hand.
        Assert.Equal(3, Settable(typeof(HttpsRedirectOptions)).Count());
        Assert.All(new[] { "HttpsRedirect", "HttpsPort", "AcmeChallengeOverHttp" }, key => Assert.NotNull(Find(root, "EdgeProxy:" + key)));
    }

    private static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true });

    private static void Collect(ConfigSchema root, Type type, string path, List<string> missing)
    {
        foreach (var property in Settable(type))
        {
            var key = $"{path}:{property.Name}";
            if (Find(root, key) is null)
            {
                missing.Add($"{type.Name}.{property.Name} ({key})");
                continue;
            }

            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (propertyType.IsGenericType && typeof(IEnumerable).IsAssignableFrom(propertyType))
            {
                var arguments = propertyType.GetGenericArguments();
                if (IsSettingsClass(arguments[^1]))
                {
                    Collect(root, arguments[^1], key + (arguments.Length == 2 ? ":x" : ":0"), missing);
                }
            }
            else if (IsSettingsClass(propertyType))
            {
                Collect(root, propertyType, key, missing);
            }
        }
    }

    private static bool IsSettingsClass(Type type) =>
        type.IsClass && type != typeof(string) && type != typeof(Uri) && type != typeof(Version) && !typeof(IEnumerable).IsAssignableFrom(type);

    /// <summary>The schema at a path; a named entry or list item takes any segment.</summary>
    private static ConfigSchema? Find(ConfigSchema root, string path)
    {
        var node = root;
        foreach (var segment in path.Split(':'))
        {
            node = node.Element ?? (node.Keys.TryGetValue(segment, out var child) ? child : null);
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }
}
