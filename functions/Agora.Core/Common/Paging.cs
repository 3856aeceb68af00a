namespace Agora.Core.Common;

/// <summary>The page size a client asks for with <c>limit</c>, checked against the listing's bounds.</summary>
public static class Paging
{
    public static int Size(int? limit, int defaultSize, int max) => limit switch
    {
        null => defaultSize,
        < 1 => throw DomainException.Invalid("limit", $"must be between 1 and {max}."),
        var l when l > max => throw DomainException.Invalid("limit", $"must be between 1 and {max}."),
        _ => limit.Value,
    };
}
