namespace Agora.Functions.Http;

/// <summary>A request the HTTP edge refuses before any use case runs: a body that is too large, of the wrong media type,
/// or not JSON of the expected shape.</summary>
public sealed class RequestRejectedException : Exception
{
    public RequestRejectedException()
        : this(400, "The request is not valid.", null)
    {
    }

    public RequestRejectedException(string message)
        : this(400, message, null)
    {
    }

    public RequestRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = 400;
    }

    public RequestRejectedException(int status, string message, IReadOnlyDictionary<string, string[]>? errors)
        : base(message)
    {
        Status = status;
        Errors = errors;
    }

    public int Status { get; }

    public IReadOnlyDictionary<string, string[]>? Errors { get; }
}
