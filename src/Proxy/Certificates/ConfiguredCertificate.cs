namespace EdgeProxy.Certificates;

/// <summary>A certificate named in the configuration: where (<see cref="Key"/>) and which files.</summary>
internal sealed record ConfiguredCertificate(string Key, string Path, string? KeyPath, string? Password);
