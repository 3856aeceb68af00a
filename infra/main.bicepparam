// Parameters of main.bicep, read from the azd environment (`azd env set NAME value`, kept in .azure/<env>/.env) or the
// shell's environment. No value here is a secret: SENDGRID_API_KEY comes from the environment and goes only to Key Vault.
// The fallbacks let the file build offline (CI); a deployment without AUTH_ISSUER, AUTH_AUDIENCE, SENDGRID_API_KEY,
// SENDGRID_FROM_EMAIL, the three SENDGRID_GROUP_* (unsubscribe group ids) or PORTAL_URL fails validation before anything
// is created.
using './main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'agora')
param location = readEnvironmentVariable('AZURE_LOCATION', 'westeurope')

param cosmosThroughputMode = readEnvironmentVariable('COSMOS_THROUGHPUT_MODE', 'serverless')
param cosmosAutoscaleMaxThroughput = int(readEnvironmentVariable('COSMOS_AUTOSCALE_MAX_THROUGHPUT', '1000'))

param authIssuer = readEnvironmentVariable('AUTH_ISSUER', '')
param authAudience = readEnvironmentVariable('AUTH_AUDIENCE', '')
param authMetadataAddress = readEnvironmentVariable('AUTH_METADATA_ADDRESS', '')
param authSubjectClaim = readEnvironmentVariable('AUTH_SUBJECT_CLAIM', 'oid')

param sendGridApiKey = readEnvironmentVariable('SENDGRID_API_KEY', '')
param sendGridFromEmail = readEnvironmentVariable('SENDGRID_FROM_EMAIL', '')
param sendGridFromName = readEnvironmentVariable('SENDGRID_FROM_NAME', 'Agora')
param sendGridGroupOffers = int(readEnvironmentVariable('SENDGRID_GROUP_OFFERS', '0'))
param sendGridGroupCartReminders = int(readEnvironmentVariable('SENDGRID_GROUP_CART_REMINDERS', '0'))
param sendGridGroupReactivation = int(readEnvironmentVariable('SENDGRID_GROUP_REACTIVATION', '0'))
param sendGridWebhookPublicKey = readEnvironmentVariable('SENDGRID_WEBHOOK_PUBLIC_KEY', '')
param portalUrl = readEnvironmentVariable('PORTAL_URL', '')

param invitationExpirySchedule = readEnvironmentVariable('INVITATION_EXPIRY_SCHEDULE', '0 0 2 * * *')
param stockReconciliationSchedule = readEnvironmentVariable('STOCK_RECONCILIATION_SCHEDULE', '0 30 2 * * *')
param overdueReminderSchedule = readEnvironmentVariable('OVERDUE_REMINDER_SCHEDULE', '0 0 7 * * *')
param campaignSchedule = readEnvironmentVariable('CAMPAIGN_SCHEDULE', '0 */15 * * * *')
param clearanceSchedule = readEnvironmentVariable('CLEARANCE_SCHEDULE', '0 0 3 * * *')
param managerDigestSchedule = readEnvironmentVariable('MANAGER_DIGEST_SCHEDULE', '0 30 7 * * *')
param salesTasksExpiringQuoteDays = int(readEnvironmentVariable('SALES_TASKS_EXPIRING_QUOTE_DAYS', '3'))
param stockReconciliationAlertThreshold = int(readEnvironmentVariable('STOCK_RECONCILIATION_ALERT_THRESHOLD', '10'))
param importBatchSize = int(readEnvironmentVariable('IMPORT_BATCH_SIZE', '1000'))
param importWritesInFlight = int(readEnvironmentVariable('IMPORT_WRITES_IN_FLIGHT', '32'))
param httpMaxRequestBodyBytes = int(readEnvironmentVariable('HTTP_MAX_REQUEST_BODY_BYTES', '1048576'))

param functionMaximumInstanceCount = int(readEnvironmentVariable('FUNCTION_MAXIMUM_INSTANCE_COUNT', '100'))
param functionInstanceMemoryMB = int(readEnvironmentVariable('FUNCTION_INSTANCE_MEMORY_MB', '2048'))

param alertEmail = readEnvironmentVariable('ALERT_EMAIL', '')
