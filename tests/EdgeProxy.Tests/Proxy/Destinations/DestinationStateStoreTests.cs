using EdgeProxy.Common;
using EdgeProxy.Destinations;
using EdgeProxy.Metrics;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeProxy.Tests.Proxy.Destinations;

/// <summary>The store's own rules, without a proxy around it.</summary>
public sealed class DestinationStateStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public void A_write_for_a_destination_an_edit_removed_meanwhile_is_refused_and_leaves_nothing_behind()
    {
        var store = new DestinationStateStore(new RuntimeStateFile(DataDirectory.From(_directory.Path, _directory.Path)), new ProxyMetrics(), TimeProvider.System, NullLogger<DestinationStateStore>.Instance);

        Assert.Null(store.Set("main", "d0", RuntimeState.Maint, "127.0.0.1", exists: () => false));
        Assert.Null(store.Find("main", "d0"));
        Assert.False(File.Exists(store.FilePath) && File.ReadAllText(store.FilePath).Contains("d0", StringComparison.Ordinal));

        Assert.Equal((RuntimeState.Ready, true), store.Set("main", "d0", RuntimeState.Maint, "127.0.0.1", exists: () => true));
        Assert.Equal(RuntimeState.Maint, store.Find("main", "d0")!.State);
    }

    public void Dispose() => _directory.Dispose();
}
