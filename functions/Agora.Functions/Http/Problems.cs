using Agora.Core.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Agora.Functions.Http;

/// <summary>RFC 9457 problem details: status, a title per status, the reason, field-level errors and the correlation id.</summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    public static IActionResult Create(HttpContext http, int status, string detail, IReadOnlyDictionary<string, string[]>? errors = null)
    {
        var problem = errors is { Count: > 0 }
            ? new ValidationProblemDetails(errors.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal))
            : new ProblemDetails();
        problem.Status = status;
        problem.Type = $"https://httpstatuses.io/{status}";
        problem.Title = TitleOf(status);
        problem.Detail = detail;
        problem.Instance = http.Request.Path;
        if (http.Items[HttpPipeline.CorrelationItem] is string correlationId)
        {
            problem.Extensions["correlationId"] = correlationId;
        }

        return new JsonResult(problem, Json.Options) { StatusCode = status, ContentType = ContentType };
    }

    public static int StatusOf(FailureKind kind) => kind switch
    {
        FailureKind.Validation => StatusCodes.Status400BadRequest,
        FailureKind.Unprocessable => StatusCodes.Status422UnprocessableEntity,
        FailureKind.NotFound => StatusCodes.Status404NotFound,
        FailureKind.Forbidden => StatusCodes.Status403Forbidden,
        FailureKind.Conflict => StatusCodes.Status409Conflict,
        FailureKind.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
        FailureKind.PreconditionRequired => StatusCodes.Status428PreconditionRequired,
        _ => StatusCodes.Status400BadRequest,
    };

    private static string TitleOf(int status) => status switch
    {
        400 => "The request is not valid.",
        401 => "Authentication is required.",
        403 => "You do not have the role this needs.",
        404 => "Not found.",
        405 => "Method not allowed.",
        409 => "Conflict.",
        412 => "The resource changed.",
        413 => "The request body is too large.",
        415 => "Unsupported media type.",
        422 => "The request breaks a business rule.",
        428 => "If-Match is required.",
        500 => "Something went wrong on our side.",
        503 => "A dependency is unavailable.",
        _ => "Error.",
    };
}
