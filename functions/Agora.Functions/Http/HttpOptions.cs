namespace Agora.Functions.Http;

/// <summary>App settings <c>Http__MaxRequestBodyBytes</c> (default 1 MiB; file uploads have their own limit).</summary>
public sealed class HttpOptions
{
    public const string Section = "Http";

    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
}
