/**
 * Generated bad input (test/helpers/route-properties.ts says what is checked) on the
 * organisation, job, employee, candidate, administration and webhook routes, and the
 * malformed uploads; test/property/routes-applications.test.ts has the application and
 * offer routes.
 */
import { routeProperties } from '../helpers/route-properties';

routeProperties(['organisation', 'jobs', 'employees', 'candidates', 'administration', 'webhooks'], { extras: true });
