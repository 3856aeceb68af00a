using Agora.Core.Operations;
using Agora.Functions.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Agora.Functions.Features;

/// <summary>For operators: the messages that failed their last attempt, and sending them back to their queue once the
/// cause is fixed. These take the host's master key (x-functions-key or ?code=; AuthorizationLevel.Admin) instead of a
/// bearer token ([AllowAnonymous] skips only the token): poison messages belong to no tenant, so no organization role
/// can grant them. See docs/decisions/0013-failures-are-kept.md.</summary>
public sealed class PoisonQueueFunctions(PoisonMessages poison)
{
    private const string Needs = "Needs the host's master key (x-functions-key header), not a bearer token. ";

    [Function(nameof(ListPoisonMessages))]
    [AllowAnonymous]
    [ApiOperation("Operations", "List a queue's poison messages", Description = Needs + "Queues: notifications, price-list-purges. " +
        "Shows how many messages failed their last attempt and the oldest 32, with their content; 404 for another queue.", Response = typeof(PoisonQueueView), RoleRestricted = false)]
    public async Task<IActionResult> ListPoisonMessages(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "ops/queues/{queue}/poison")] HttpRequest req, string queue, CancellationToken cancellationToken) =>
        Api.Ok(await poison.ListAsync(queue, cancellationToken).ConfigureAwait(false));

    [Function(nameof(RedrivePoisonMessages))]
    [AllowAnonymous]
    [ApiOperation("Operations", "Send a queue's poison messages back to it", Description = Needs + "Moves up to 1,000 messages, oldest first, " +
        "content unchanged; each gets its attempts again. 'remaining' says roughly how many are left: call again for them.", Response = typeof(Redrive), RoleRestricted = false)]
    public async Task<IActionResult> RedrivePoisonMessages(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "ops/queues/{queue}/poison/redrive")] HttpRequest req, string queue, CancellationToken cancellationToken) =>
        Api.Ok(await poison.RedriveAllAsync(queue, cancellationToken).ConfigureAwait(false));

    [Function(nameof(RedrivePoisonMessage))]
    [AllowAnonymous]
    [ApiOperation("Operations", "Send one poison message back to its queue", Description = Needs + "The id is the one the listing shows; 404 when it is not there " +
        "(re-driven already, or expired: storage keeps a poison message 7 days).", Response = typeof(Redrive), RoleRestricted = false)]
    public async Task<IActionResult> RedrivePoisonMessage(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "ops/queues/{queue}/poison/{messageId}/redrive")] HttpRequest req, string queue, string messageId, CancellationToken cancellationToken) =>
        Api.Ok(await poison.RedriveAsync(queue, messageId, cancellationToken).ConfigureAwait(false));
}
