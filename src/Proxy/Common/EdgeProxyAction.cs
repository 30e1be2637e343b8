namespace EdgeProxy.Common;

/// <summary>What the command line asks the process to do.</summary>
internal enum EdgeProxyAction
{
    Serve,
    Check,
    Help,
    Version,
    Probe,
    KeysGenerate,
}
