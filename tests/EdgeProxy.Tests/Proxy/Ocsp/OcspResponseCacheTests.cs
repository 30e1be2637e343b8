using EdgeProxy.Ocsp;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeProxy.Tests.Proxy.Ocsp;

public sealed class OcspResponseCacheTests
{
    [Fact]
    public void A_saved_response_is_read_back_replaced_whole_and_leaves_no_temp_file()
    {
        using var directory = new TempDirectory();
        var cache = new OcspResponseCache(Path.Combine(directory.Path, "ocsp"), NullLogger<OcspResponseCache>.Instance);
        var certificate = OcspRefreshScheduleTests.Certificate();
        Assert.Null(cache.Read(certificate)); // nothing kept yet, not even the directory

        cache.Save(certificate, [1, 2, 3]);
        cache.Save(certificate, [4, 5]);

        Assert.Equal([4, 5], cache.Read(certificate));
        Assert.Equal([cache.PathOf(certificate)], Directory.GetFiles(cache.DirectoryPath));
        Assert.EndsWith(".der", cache.PathOf(certificate));
    }

    [Fact]
    public void A_directory_that_cannot_be_created_is_logged_not_thrown()
    {
        using var directory = new TempDirectory();
        var blocker = Path.Combine(directory.Path, "file");
        File.WriteAllText(blocker, "");
        var logs = new CollectingLoggerProvider();
        using var loggers = LoggerFactory.Create(builder => builder.AddProvider(logs));
        var cache = new OcspResponseCache(Path.Combine(blocker, "ocsp"), loggers.CreateLogger<OcspResponseCache>());

        cache.Save(OcspRefreshScheduleTests.Certificate(), [1]);

        Assert.Contains(logs.Lines, line => line.Contains("Could not keep OCSP responses", StringComparison.Ordinal));
    }
}
