using Microsoft.Extensions.Configuration.Json;

namespace EdgeProxy.Common;

/// <summary>
/// The configuration file's content as validated, read from memory: what runs is exactly what was checked, and the
/// source can be loaded again (a stream source cannot).
/// </summary>
internal sealed class JsonBytesConfigurationSource(byte[] content) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) =>
        new JsonStreamConfigurationProvider(new JsonStreamConfigurationSource { Stream = new MemoryStream(content, writable: false) });
}
