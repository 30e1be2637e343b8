using System.Buffers;
using EdgeProxy.Middleware.AccessLog;
using Microsoft.Extensions.Logging;

namespace EdgeProxy.AccessLog;

/// <summary>Standard output, one record per line (journald, container logs).</summary>
internal sealed class ConsoleTarget(AccessLogFormat format, int capacity, TimeProvider clock, Stream? output = null) : LineTarget("console", format, capacity, clock)
{
    private const int PipeBuffer = 4096;
    private readonly Stream _output = output ?? Console.OpenStandardOutput();

    protected override async ValueTask<bool> WriteBatchAsync(ArrayBufferWriter<byte> batch, int count, CancellationToken cancellationToken)
    {
        try
        {
            // The proxy's own console log writes to the same stdout: a pipe keeps writes of up to PIPE_BUF (4096 bytes)
            // whole, so records go out in chunks of whole lines no larger than that (a longer record alone).
            var data = batch.WrittenMemory;
            while (!data.IsEmpty)
            {
                var window = data.Span[..Math.Min(data.Length, PipeBuffer)];
                var end = window.Length == data.Length ? data.Length : window.LastIndexOf((byte)'\n') + 1;
                if (end <= 0)
                {
                    end = data.Span.IndexOf((byte)'\n') + 1;
                    end = end <= 0 ? data.Length : end;
                }

                await _output.WriteAsync(data[..end], cancellationToken);
                data = data[end..];
            }

            await _output.FlushAsync(cancellationToken);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }
}

/// <summary>
/// A file, appended to. Before each batch it checks that the path still names the file it has open (same length as
/// written so far): when logrotate renamed it away (and maybe created a new one), the file is reopened, so rotation
/// needs no signal and no <c>copytruncate</c>.
/// </summary>
internal sealed partial class FileTarget(string path, AccessLogFormat format, int capacity, TimeProvider clock, ILogger logger) : LineTarget("file", format, capacity, clock), IDisposable
{
    private FileStream? _file;

    public string Path => path;

    protected override async ValueTask<bool> WriteBatchAsync(ArrayBufferWriter<byte> batch, int count, CancellationToken cancellationToken)
    {
        try
        {
            if (_file is not null && !StillOurs(_file))
            {
                await _file.DisposeAsync();
                _file = null;
            }

            _file ??= Open();
            await _file.WriteAsync(batch.WrittenMemory, cancellationToken);
            await _file.FlushAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogWriteFailed(logger, path, ex.Message);
            if (_file is not null)
            {
                await _file.DisposeAsync();
                _file = null;
            }

            return false;
        }
    }

    private FileStream Open()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        return new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
    }

    /// <summary>The path still names our file: it exists and has exactly the bytes we appended (we are its only writer).</summary>
    private bool StillOurs(FileStream file)
    {
        var info = new FileInfo(path);
        return info.Exists && info.Length == file.Position;
    }

    [LoggerMessage(EventId = Common.EventIds.AccessLogFileFailed, Level = LogLevel.Warning, Message = "Access log file {Path} could not be written: {Reason}; its records are dropped until it can")]
    private static partial void LogWriteFailed(ILogger logger, string path, string reason);

    public void Dispose() => _file?.Dispose();
}
