namespace EdgeProxy.Hosting;

/// <summary>
/// <c>EdgeProxy --probe URL</c>: the container image's <c>HEALTHCHECK</c>, which has no shell or curl to run. Plain
/// HTTP to the admin listener, before anything touches the TLS policy or the configuration file.
/// </summary>
internal static class HealthProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            Console.Error.WriteLine($"error: --probe needs an absolute http:// URL such as http://127.0.0.1:9901/healthz, not '{url}'");
            return 1;
        }

        var collection = new ServiceCollection();
        // Straight to the listener: an HTTP_PROXY in the container's environment must not answer for it.
        collection.AddHttpClient(nameof(HealthProbe)).ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { UseProxy = false });
        using var services = collection.BuildServiceProvider();
        using var client = services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(HealthProbe));
        client.Timeout = Timeout;
        try
        {
            using var response = await client.GetAsync(uri);
            Console.WriteLine($"{uri}: {(int)response.StatusCode} {response.ReasonPhrase}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Console.Error.WriteLine($"{uri}: {ex.Message}");
            return 1;
        }
    }
}
