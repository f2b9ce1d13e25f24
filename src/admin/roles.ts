// Staff roles and what each may do (issue 6). One table, read by every /admin route through the guard:
// a route names the permission it needs, never a role, so a new role is one line here (ASVS 8.1.1).
export const STAFF_ROLES = ['agent', 'supervisor', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const PERMISSIONS = [
  'lookup',
  'unlock',
  'endSessions',
  'orderLetter',
  'cancelLetter',
  'dashboard',
  'auditLog',
  'auditExport',
  'lettersDesk',
  'manageStaff',
  'viewSettings',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const AGENT: readonly Permission[] = ['lookup', 'unlock', 'endSessions', 'orderLetter', 'cancelLetter'];
const SUPERVISOR: readonly Permission[] = [...AGENT, 'dashboard', 'auditLog', 'auditExport', 'lettersDesk'];
const ADMIN: readonly Permission[] = [...SUPERVISOR, 'manageStaff', 'viewSettings'];

const GRANTS: Readonly<Record<StaffRole, ReadonlySet<Permission>>> = {
  agent: new Set(AGENT),
  supervisor: new Set(SUPERVISOR),
  admin: new Set(ADMIN),
};

/** Deny by default: an unknown role (a tampered row) can do nothing. */
export function can(role: string, permission: Permission): boolean {
  return isStaffRole(role) && GRANTS[role].has(permission);
}

export function isStaffRole(value: unknown): value is StaffRole {
  return typeof value === 'string' && (STAFF_ROLES as readonly string[]).includes(value);
}
