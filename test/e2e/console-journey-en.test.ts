/** The whole hire through the console in English (test/helpers/console-journey.ts says what each step checks). */
import { consoleJourney } from '../helpers/console-journey';

consoleJourney('en');
