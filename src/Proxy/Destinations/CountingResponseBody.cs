using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace EdgeProxy.Destinations;

/// <summary>
/// The response body feature with its stream counted (YARP copies the destination's body through the stream); every
/// other member is the server's own, so flushing, trailers and completion behave as without it.
/// </summary>
internal sealed class CountingResponseBody(IHttpResponseBodyFeature inner) : IHttpResponseBodyFeature
{
    private readonly CountingStream _stream = new(inner.Stream);

    public IHttpResponseBodyFeature Inner => inner;

    public long Count => _stream.Count;

    public Stream Stream => _stream;

    public PipeWriter Writer => inner.Writer;

    public void DisableBuffering() => inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        inner.SendFileAsync(path, offset, count, cancellationToken);

    public Task CompleteAsync() => inner.CompleteAsync();
}
