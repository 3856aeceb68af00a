namespace Agora.Core.Accounts;

/// <summary>Hears that a person signed in: clients call <c>GET /api/me</c> at sign-in, and <see cref="OrganizationService.MeAsync"/>
/// tells the observers registered in DI (the customer timeline, marketing signals). An observer must never fail the call
/// (it keeps its own failures) and must be cheap when it has nothing to do, as the call is made often.</summary>
public interface ILoginObserver
{
    Task SignedInAsync(UserProfile profile, DateTimeOffset at, CancellationToken cancellationToken);
}
