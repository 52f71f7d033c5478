/** /admin itself: straight on to Users, the first screen (admins and HR both have it). */
import { Navigate } from 'react-router';

export function AdminIndex() {
  return <Navigate replace to="/admin/users" />;
}
