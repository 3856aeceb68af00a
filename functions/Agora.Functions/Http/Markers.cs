namespace Agora.Functions.Http;

/// <summary>A POST that clients may retry with an <c>Idempotency-Key</c> header: the first response is stored for 24 hours
/// and replayed to retries with the same key and body.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class IdempotentAttribute : Attribute;

/// <summary>An organization route that people who are not members may call (accepting an invitation): its failures are not
/// turned into the 404 a stranger gets elsewhere.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ForNonMembersAttribute : Attribute;

/// <summary>Describes an HTTP function in the OpenAPI document.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ApiOperationAttribute(string tag, string summary) : Attribute
{
    public string Tag { get; } = tag;

    public string Summary { get; } = summary;

    public string? Description { get; init; }

    /// <summary>The JSON body the operation reads, if any.</summary>
    public Type? Request { get; init; }

    /// <summary>The JSON body of the success response, if any.</summary>
    public Type? Response { get; init; }

    public int Status { get; init; } = 200;

    /// <summary>Other success statuses with the same body (a PUT that creates answers 201, one that replaces 200; a checkout
    /// replayed answers 200): undocumented, a generated client throws on them.</summary>
    public int[] AlsoStatus { get; init; } = [];

    /// <summary>The operation needs If-Match (412 when stale, 428 when missing).</summary>
    public bool IfMatch { get; init; }

    /// <summary>Who may call it (Core decides; this states it in the document, and RoleDeclarationTests keeps it true). Every
    /// operation that takes a bearer token declares it; anonymous, signed (<see cref="SignedBy"/>) and host-key routes are
    /// <see cref="ApiRoles.Anonymous"/>, <see cref="ApiRoles.SendGrid"/> and <see cref="ApiRoles.Operator"/> without saying so.</summary>
    public ApiRoles Roles { get; init; }

    /// <summary>The operation serves both sides: <see cref="Roles"/>' supplier roles act on the organization's sales, its
    /// buyer roles on its purchases (an order, a quote, a return).</summary>
    public bool BySide { get; init; }

    /// <summary>The operation answers 403 for members without the role.</summary>
    public bool RoleRestricted { get; init; } = true;

    /// <summary>The security scheme of a route another service calls and signs (the SendGrid Event Webhook) instead of a
    /// person's token: the document names it, and the request body is that service's schema, whose unknown properties are
    /// accepted (no additionalProperties: false).</summary>
    public string? SignedBy { get; init; }

    /// <summary>Query parameters, as "name: description".</summary>
    public string[] Query { get; init; } = [];
}
