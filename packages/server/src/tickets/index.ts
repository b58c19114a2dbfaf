/** Pay-per-view tickets for streams and rooms, paid in coins; answers `hasTicket` of the Entitlements port. */
export { ticketErrors } from './tickets.errors.ts';
export { Ticket, ticketRoutes } from './tickets.routes.ts';
export * from './tickets.rules.ts';
export {
  type TargetLookup,
  TicketService,
  type TicketServiceDeps,
  type TicketView,
  toTicket,
} from './tickets.service.ts';
export { type TicketRow, TicketStore } from './tickets.store.ts';
