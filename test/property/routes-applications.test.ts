/**
 * Generated bad input (test/helpers/route-properties.ts says what is checked) on the
 * application and offer routes; test/property/routes-organisation.test.ts has the others.
 */
import { routeProperties } from '../helpers/route-properties';

routeProperties(['applications', 'offers'], { extras: false });
