namespace EdgeProxy.Common;

/// <summary>A feature's contribution to the known keys: the schema of the section at <paramref name="Path"/> (e.g. <c>EdgeProxy:Tls</c>).</summary>
internal sealed record ConfigSchemaSection(string Path, ConfigSchema Schema);
